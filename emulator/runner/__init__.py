"""CI regression: the `emu4412 test` engine (collect, run each script on a fresh board, in
parallel worker processes, report, JUnit XML) and golden traces.

Modules: collect (find scripts), golden (record/compare MMIO write traces), capture (console
output and recent events of one run), script (run one script), pool (worker processes),
report (text lines), junit (XML), session (the command). Importing this package imports
nothing else, so the console can use ``runner.golden`` without a cycle.
"""
