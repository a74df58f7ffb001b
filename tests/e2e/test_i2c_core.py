"""The I2C core, i2c-dev and device interrupts (issue 13) as a user meets them: the
device tree's MPU6050 client bound by a course i2c_driver, the adapter's register sequence
and decoded bus in traces, the core's error paths (-ENXIO, -EBUSY, bad addresses, a driver
registered twice or never), busybox's i2c tools on /dev/i2c-5, the ADC driver sleeping until
its end-of-conversion interrupt, and the PWM, watchdog and RTC interrupts reaching handlers
with the board's virqs."""

import shutil

import pytest

from tests.conftest import HAVE_CROSS
from tests.e2e.helpers import ROOT, cli, run_script

SCENARIOS = ROOT / "firmware" / "scenarios"
PREBUILT = ROOT / "firmware" / "prebuilt"


def test_scenarios_pass_with_their_golden_traces():
    proc = cli("test", str(SCENARIOS / "mpu6050i2c.board"), str(SCENARIOS / "adcirq.board"),
               "--rootfs", str(PREBUILT))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed, 0 failed" in proc.stdout


def test_boot_registers_the_adapter_and_the_tree_client():
    status, out, machine = run_script(
        "dmesg\nls /sys/bus/i2c/devices\ncat /sys/bus/i2c/devices/5-0068/modalias\n"
        "cat /sys/bus/i2c/devices/i2c-5/name\nls /dev\n", PREBUILT)
    assert status == 0, out
    assert ("s3c-i2c 138b0000.i2c: slave address 0x00\n"
            "[    0.000000] s3c-i2c 138b0000.i2c: bus frequency set to 19 KHz\n"
            "[    0.000000] s3c-i2c 138b0000.i2c: i2c-5: S3C I2C adapter") in out
    assert "5-0068\ni2c-5\n" in out and "i2c:mpu6050\n" in out and "s3c2410-i2c\n" in out
    assert "\ni2c-5\n" in out                           # /dev/i2c-5 (i2c-dev)
    # the probe programmed the controller as i2c-s3c2410 does: 512 x 10 divisor, SDA delay
    block, con = machine.hw.register("I2CCON5")
    assert block.peek(con.offset) & 0xEF == 0xE9
    block, lc = machine.hw.register("I2CLC5")
    assert block.peek(lc.offset) == 0x6


def test_course_driver_and_the_decoded_bus():
    proc = cli("run", str(SCENARIOS / "mpu6050i2c.board"), "--rootfs", str(PREBUILT),
               "--trace-only", "periph", "-v")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "i2c         i2c5: S 0x68 W 0x75 Sr 0x68 R 0x68 P" in proc.stderr
    assert "i2c         i2c5: S 0x68 W 0x6b 0x00 P" in proc.stderr          # woken by probe
    assert "i2c5: S 0x68 W 0x3b Sr 0x68 R 0x10 0x00 0xfc 0x00 0xf8 0x00 P" in proc.stderr
    assert "i2c         i2c5: S 0x68 W 0x6b 0x40 P" in proc.stderr          # asleep on remove


def test_core_services_and_their_errors(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["i2ccheck"], tmp_path)
    status, out, machine = run_script("insmod i2ccheck.ko\nrmmod i2ccheck\nlsmod\n", tmp_path)
    assert status == 0, out
    for line in ("i2ccheck: adapter 5 s3c2410-i2c nr 5, adapter 3   (null)",
                 "i2ccheck: functionality 0eff001d",
                 "i2c i2c-5: Failed to register i2c client mpu6050 at 0x68 (-16)",
                 "i2ccheck: second client at 0x68   (null)",
                 "i2c i2c-5: Invalid 7-bit I2C address 0x80",
                 "Error: Driver 'i2ccheck' is already registered, aborting...",
                 "i2ccheck: add_driver again -16",
                 "i2ccheck: probe 5-0050 at 0x50 (id i2ccheck-dev, data 7)",
                 "i2ccheck: transfer to 0x69 -6",
                 "i2ccheck: transfer to 0x68 2, WHO_AM_I 0x68",
                 "i2ccheck: smbus byte 0x68",
                 "i2ccheck: smbus word 0x0040 swapped 0x4000",
                 "i2ccheck: block 6: 00 00 00 00 40 00",
                 "i2ccheck: master_send 1", "i2ccheck: master_recv 1 0x68",
                 "i2ccheck: write_byte to 0x50 -6",
                 "Unexpected driver unregister!",
                 "i2ccheck: remove 5-0050, clientdata 00001234"):
        assert line in out, line
    assert "Traceback" not in out
    assert "leak" not in out.lower()
    assert [c.name for c in machine.dm.i2c.core.clients] == ["mpu6050"]


def test_nack_from_a_missing_device_is_on_the_bus_and_in_the_registers(variant_drivers,
                                                                      tmp_path):
    shutil.copy(variant_drivers["i2ccheck"], tmp_path)
    (tmp_path / "s.board").write_text("insmod i2ccheck.ko\n")
    proc = cli("run", str(tmp_path / "s.board"), "--trace-only", "periph", "-v")
    assert "i2c5: S 0x69 W NACK P" in proc.stderr
    assert "i2c5: S 0x50 W NACK P" in proc.stderr


def test_busybox_i2c_tools_on_dev_i2c():
    proc = cli("run", str(SCENARIOS / "i2cdev.board"), "--rootfs", str(PREBUILT))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "read failed: No such device or address" in proc.stdout


@pytest.mark.parametrize("line, message", [
    ("/usr/sbin/i2cget -y 5 0x68 0x75", "Device or resource busy"),   # the driver holds it
    ("/usr/sbin/i2cget -y 3 0x68 0x75", "can't open '/dev/i2c/3'"),    # bus not enabled
])
def test_i2c_dev_errors(line, message, tmp_path):
    shutil.copy(PREBUILT / "mpu6050i2c.ko", tmp_path)
    (tmp_path / "s.board").write_text(f"insmod mpu6050i2c.ko\n{line}\nexpect exit 1\n")
    proc = cli("run", str(tmp_path / "s.board"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert message in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_adc_interrupt_wakes_the_reader():
    proc = cli("run", str(SCENARIOS / "adcirq.board"), "--rootfs", str(PREBUILT),
               "--trace-only", "irq,sched", "-v")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    err = proc.stderr
    sleep = err.index("sleep adc_app/")
    entry = err.index("irq 166 adc entry", sleep)
    assert err.index("wakeup adc_app/", entry) < err.index("irq 166 adc exit: IRQ_HANDLED", entry)


@pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")
def test_timer_watchdog_and_rtc_interrupts_reach_handlers(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["periphirq"], tmp_path)
    status, out, _m = run_script("insmod periphirq.ko\nsleep 2.05\ncat /proc/interrupts\n"
                                 "rmmod periphirq\n", tmp_path)
    assert status == 0, out
    assert "periphirq: samsung,exynos4210-pwm irq 69: 0" in out
    assert "periphirq: samsung,s3c2410-wdt irq 75: 0" in out
    assert "periphirq: samsung,s3c6410-rtc irq 76: 0" in out
    assert " 69:        204      GIC  69  periph-pwm" in out
    assert " 75:          2      GIC  75  periph-wdt" in out
    assert " 76:          1      GIC  76  periph-rtc" in out
    assert "periphirq: pwm 204 wdt 2 rtc 1" in out


@pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")
def test_i2c_dev_bad_arguments_are_errnos(test_programs, tmp_path):
    shutil.copy(test_programs["i2cdevbad"], tmp_path)
    status, out, _m = run_script("./i2cdevbad\n", tmp_path)
    assert status == 0, out
    expected = {"slave 0x80": -22, "funcs": 0, "funcs bad pointer": -14, "rdwr": 2,
                "rdwr 43 messages": -22, "rdwr no message": -22, "rdwr bad msgs": -14,
                "rdwr 9000 bytes": -22, "rdwr bad buffer": -14, "rdwr bad arg": -14,
                "slave 0x68": 0, "smbus": 0, "smbus size 99": -22, "smbus no data": -22,
                "write": 1, "read": 1, "read bad buffer": -14, "slave 0x69": 0,
                "read 0x69": -6, "unknown ioctl": -25}
    for name, value in expected.items():
        assert f"\n{name}: {value}\n" in out, name
    assert "funcs value: 0eff001d" in out and "rdwr value: 0x68" in out
    assert "smbus value: 0x68" in out and "read value: 0x68" in out
