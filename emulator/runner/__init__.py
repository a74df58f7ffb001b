"""CI regression: the `emu4412 test` engine (collect, run each script on a fresh board, in
parallel worker processes, report, JUnit XML) and golden traces.

Modules: collect (find scripts), golden (record/compare MMIO write traces), capture (console
output and recent events of one run), script (run one script), pool (worker processes),
report (text lines), junit (XML), session (the command). The runner sits above the console:
it adds the `golden` command to the console of each script it runs.
"""
