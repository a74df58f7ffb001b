#ifndef _LINUX_FCNTL_H
#define _LINUX_FCNTL_H

/* open(2) flags as struct file f_flags carries them (asm-generic/fcntl.h with ARM's overrides). */

#define O_ACCMODE	00000003
#define O_RDONLY	00000000
#define O_WRONLY	00000001
#define O_RDWR		00000002
#define O_CREAT		00000100
#define O_EXCL		00000200
#define O_NOCTTY	00000400
#define O_TRUNC		00001000
#define O_APPEND	00002000
#define O_NONBLOCK	00004000
#define O_DSYNC		00010000
#define FASYNC		00020000
#define O_DIRECTORY	 040000	/* must be a directory (ARM) */
#define O_NOFOLLOW	0100000	/* don't follow links (ARM) */
#define O_DIRECT	0200000	/* direct disk access hint (ARM) */
#define O_LARGEFILE	0400000	/* (ARM) */
#define O_NOATIME	01000000
#define O_CLOEXEC	02000000
#define __O_SYNC	04000000
#define O_SYNC		(__O_SYNC|O_DSYNC)
#define O_PATH		010000000
#define __O_TMPFILE	020000000
#define O_NDELAY	O_NONBLOCK

#endif
