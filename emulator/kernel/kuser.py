"""The vectors page's kuser helpers (arch/arm/kernel/entry-armv.S, __kuser_helper_start).

User space calls these at fixed addresses near the top of memory; glibc's static ARMv5
startup needs get_tls, cmpxchg and the barrier. Uniprocessor forms: one core, and the
emulator does not preempt user code. Words assembled with arm-linux-gnueabi-as.
"""

import struct

#: offset in the 0xFFFF0000 page -> instruction word
KUSER_HELPERS = {
    0xF60: 0xE92D00F0,  # __kuser_cmpxchg64: push {r4, r5, r6, r7}
    0xF64: 0xE1C040D0,  #   ldrd r4, r5, [r0]      old value
    0xF68: 0xE1C160D0,  #   ldrd r6, r7, [r1]      new value
    0xF6C: 0xE1C200D0,  #   ldrd r0, r1, [r2]      current value
    0xF70: 0xE0303004,  #   eors r3, r0, r4
    0xF74: 0x00313005,  #   eorseq r3, r1, r5
    0xF78: 0x01C260F0,  #   strdeq r6, r7, [r2]
    0xF7C: 0xE2730000,  #   rsbs r0, r3, #0        0 and C set on success
    0xF80: 0xE8BD00F0,  #   pop {r4, r5, r6, r7}
    0xF84: 0xE12FFF1E,  #   bx lr
    0xFA0: 0xF57FF05B,  # __kuser_memory_barrier: dmb ish
    0xFA4: 0xE12FFF1E,  #   bx lr
    0xFC0: 0xE5923000,  # __kuser_cmpxchg: ldr r3, [r2]
    0xFC4: 0xE0533000,  #   subs r3, r3, r0
    0xFC8: 0x05821000,  #   streq r1, [r2]
    0xFCC: 0xE2730000,  #   rsbs r0, r3, #0
    0xFD0: 0xE12FFF1E,  #   bx lr
    0xFE0: 0xEE1D0F70,  # __kuser_get_tls: mrc p15, 0, r0, c13, c0, 3 (TPIDRURO)
    0xFE4: 0xE12FFF1E,  #   bx lr
    0xFFC: 0x00000005,  # __kuser_helper_version: 5 helpers' worth of 32-byte slots
}


#: arch/arm/kernel/sigreturn_codes.S (issue 12: signals), 12 bytes a slot: ARM
#: `mov r7, #NR; swi #NR|0x900000`, then Thumb `movs r7, #NR; swi #0` at +8 (sigreturn,
#: then rt_sigreturn). The board copies them into its sigpage; here they sit in the vectors
#: page, and a handler without SA_RESTORER returns to them.
SIGRETURN_CODES = (0xE3A07077, 0xEF900077, 0xDF002777,
                   0xE3A070AD, 0xEF9000AD, 0xDF0027AD, 0)
SIGRETURN_OFFSET = 0xE00
SIGRETURN_CODE = 0xFFFF0000 + SIGRETURN_OFFSET


def vectors_page():
    page = bytearray(4096)
    for off, word in KUSER_HELPERS.items():
        struct.pack_into("<I", page, off, word)
    struct.pack_into("<7I", page, SIGRETURN_OFFSET, *SIGRETURN_CODES)
    return bytes(page)
