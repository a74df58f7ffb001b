#ifndef _LINUX_UIDGID_H
#define _LINUX_UIDGID_H

/* Linux 3.14 without CONFIG_UIDGID_STRICT_TYPE_CHECKS: kuid_t is a plain uid_t. */

#include <linux/types.h>

typedef uid_t kuid_t;
typedef gid_t kgid_t;

#define KUIDT_INIT(value) ((kuid_t) value )
#define KGIDT_INIT(value) ((kgid_t) value )

static inline uid_t __kuid_val(kuid_t uid)
{
	return uid;
}

static inline gid_t __kgid_val(kgid_t gid)
{
	return gid;
}

#define GLOBAL_ROOT_UID KUIDT_INIT(0)
#define GLOBAL_ROOT_GID KGIDT_INIT(0)

static inline bool uid_eq(kuid_t left, kuid_t right)
{
	return __kuid_val(left) == __kuid_val(right);
}

static inline bool gid_eq(kgid_t left, kgid_t right)
{
	return __kgid_val(left) == __kgid_val(right);
}

#endif /* _LINUX_UIDGID_H */
