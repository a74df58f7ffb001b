#ifndef _LINUX_DCACHE_H
#define _LINUX_DCACHE_H

#include <linux/path.h>

/*
 * The name of a path, written at the end of buf (buflen bytes, NUL-terminated); returns
 * where it starts in buf, or ERR_PTR(-ENAMETOOLONG).  The emu4412 kernel knows the path of
 * an open device file (file->f_path).
 */
extern char *d_path(const struct path *path, char *buf, int buflen);

#endif  /* _LINUX_DCACHE_H */
