#ifndef _LINUX_LIMITS_H
#define _LINUX_LIMITS_H

#define NAME_MAX	255	/* bytes in a file name */
#define PATH_MAX	4096	/* bytes in a path name, with its NUL */

#endif  /* _LINUX_LIMITS_H */
