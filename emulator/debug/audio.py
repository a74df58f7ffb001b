"""`--audio FILE.wav`: what the board's beeper played, as a sound file.

Records the beeper's changes (on/off, frequency, duty) stamped with virtual time and, on
``close()``, renders the whole run as 16-bit mono PCM: a square wave at the programmed
frequency and duty while the beeper sounds, silence otherwise. One second of virtual time is
one second of sound, so a music driver's tune plays at its tempo. Runs longer than
:data:`MAX_SECONDS` of virtual time are cut there (said on stderr by the caller's close).
"""

import wave

RATE = 44100
AMPLITUDE = 12000
MAX_SECONDS = 600


class AudioWriter:
    """Subscribes to a machine's "beeper" events; ``close()`` writes ``stream`` (binary)."""

    def __init__(self, machine, stream):
        self._stream, self._clock = stream, machine.clock
        self.name = getattr(stream, "name", "audio")
        self.start_ns = self._clock.now_ns()
        beeper = machine.hw.periph.beeper if machine.hw.periph is not None else None
        state = (beeper.on, beeper.frequency, beeper.duty) if beeper else (False, 0.0, 0.0)
        self.changes = [(self.start_ns, *state)]
        self._tracer = machine.tracer
        self._tracer.subscribe("beeper", self._changed)
        self._closed = False
        self.truncated = False

    def _changed(self, _kind, f):
        self.changes.append((self._clock.now_ns(), f["on"], f["frequency"], f["duty"]))

    def samples(self, end_ns):
        """The PCM samples (a bytearray of little-endian int16) from start to ``end_ns``."""
        total = round((end_ns - self.start_ns) * RATE / 1e9)
        if total > MAX_SECONDS * RATE:
            total, self.truncated = MAX_SECONDS * RATE, True
        high, low = AMPLITUDE.to_bytes(2, "little", signed=True), \
            (-AMPLITUDE).to_bytes(2, "little", signed=True)
        out = bytearray()
        bounds = self.changes[1:] + [(end_ns, False, 0.0, 0.0)]
        for (t0, on, freq, duty), (t1, *_rest) in zip(self.changes, bounds):
            first = round((t0 - self.start_ns) * RATE / 1e9)
            last = min(total, round((t1 - self.start_ns) * RATE / 1e9))
            if last <= first:
                continue
            if not on or freq <= 0:
                out += bytes(2 * (last - first))
                continue
            phase0 = (t0 - self.start_ns) / 1e9 * freq
            for n in range(first, last):
                phase = (n / RATE * freq - phase0) % 1.0
                out += high if phase < duty else low
        return out

    def close(self):
        if self._closed:
            return
        self._closed = True
        self._tracer.unsubscribe("beeper", self._changed)
        data = self.samples(self._clock.now_ns())
        with wave.open(self._stream, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(RATE)
            wav.writeframes(bytes(data))
        self._stream.flush()
        if self.truncated:
            raise OSError(0, f"audio cut at {MAX_SECONDS} s of virtual time")
