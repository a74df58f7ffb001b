# Shared rules for the static ARM EABI test programs (included by each app's Makefile,
# which sets PROG and DRIVER, the driver directory whose headers it uses).
#
# Toolchain: Debian's gcc-arm-linux-gnueabi + libc6-dev-armel-cross (glibc, ARMv5TE baseline).
#   make [CROSS_COMPILE=arm-linux-gnueabi-]      ->  ./$(PROG)
#   make clean
#
# Reproducible: the build directory is mapped to "." in the debug info, header paths are
# relative, and ld's build-id is a hash of the contents; the same sources give the same
# bytes wherever they are built.

CROSS_COMPILE ?= arm-linux-gnueabi-
CC := $(CROSS_COMPILE)gcc

CFLAGS ?= -O2 -g
override CFLAGS += -Wall -I../../drivers/$(DRIVER) -ffile-prefix-map=$(CURDIR)=.
LDFLAGS ?=
override LDFLAGS += -static

.PHONY: all clean
all: $(PROG)

$(PROG): $(PROG).c $(wildcard ../../drivers/$(DRIVER)/*.h) Makefile ../app.mk
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(PROG).c

clean:
	rm -f $(PROG)
