#ifndef _LINUX_OF_H
#define _LINUX_OF_H

/*
 * emu4412 SDK: the device tree API (Linux 3.14 include/linux/of.h; CONFIG_OF without
 * OF_DYNAMIC, so of_node_get/put are inlines). Nodes and properties have the FS4412
 * kernel's layouts: drivers may read np->name, np->full_name, prop->value directly.
 */

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kref.h>
#include <linux/mod_devicetable.h>
#include <linux/spinlock.h>
#include <linux/err.h>

typedef u32 phandle;
typedef u32 ihandle;

struct property {
	char	*name;
	int	length;
	void	*value;
	struct property *next;
	unsigned long _flags;
	unsigned int unique_id;
};

struct proc_dir_entry;

struct device_node {
	const char *name;
	const char *type;
	phandle phandle;
	const char *full_name;
	struct	property *properties;
	struct	property *deadprops;
	struct	device_node *parent;
	struct	device_node *child;
	struct	device_node *sibling;
	struct	device_node *next;
	struct	device_node *allnext;
	struct	proc_dir_entry *pde;
	struct	kref kref;
	unsigned long _flags;
	void	*data;
};

_Static_assert(sizeof(struct device_node) == 60, "struct device_node: board layout");

#define MAX_PHANDLE_ARGS 8
struct of_phandle_args {
	struct device_node *np;
	int args_count;
	uint32_t args[MAX_PHANDLE_ARGS];
};

static inline struct device_node *of_node_get(struct device_node *node)
{
	return node;
}

static inline void of_node_put(struct device_node *node) { }

static inline u64 of_read_number(const __be32 *cell, int size)
{
	u64 r = 0;
	while (size--)
		r = (r << 32) | __builtin_bswap32(*(cell++));
	return r;
}

#define of_node_cmp(s1, s2)		strcasecmp((s1), (s2))

extern struct device_node *of_allnodes;

extern struct device_node *of_find_node_by_name(struct device_node *from, const char *name);
extern struct device_node *of_find_node_by_type(struct device_node *from, const char *type);
extern struct device_node *of_find_compatible_node(struct device_node *from,
	const char *type, const char *compat);
extern struct device_node *of_find_node_by_path(const char *path);
extern struct device_node *of_find_node_by_phandle(phandle handle);
extern struct device_node *of_get_parent(const struct device_node *node);
extern struct device_node *of_get_next_parent(struct device_node *node);
extern struct device_node *of_get_next_child(const struct device_node *node,
					     struct device_node *prev);
extern struct device_node *of_get_next_available_child(const struct device_node *node,
						       struct device_node *prev);
extern struct device_node *of_get_child_by_name(const struct device_node *node,
						const char *name);
#define for_each_child_of_node(parent, child) \
	for (child = of_get_next_child(parent, NULL); child != NULL; \
	     child = of_get_next_child(parent, child))
#define for_each_available_child_of_node(parent, child) \
	for (child = of_get_next_available_child(parent, NULL); child != NULL; \
	     child = of_get_next_available_child(parent, child))
#define for_each_compatible_node(dn, type, compatible) \
	for (dn = of_find_compatible_node(NULL, type, compatible); dn; \
	     dn = of_find_compatible_node(dn, type, compatible))
#define for_each_node_by_name(dn, name) \
	for (dn = of_find_node_by_name(NULL, name); dn; \
	     dn = of_find_node_by_name(dn, name))

static inline int of_get_child_count(const struct device_node *np)
{
	struct device_node *child;
	int num = 0;

	for_each_child_of_node(np, child)
		num++;
	return num;
}

extern struct property *of_find_property(const struct device_node *np, const char *name,
					 int *lenp);
extern const void *of_get_property(const struct device_node *node, const char *name,
				   int *lenp);
extern int of_property_read_u32_index(const struct device_node *np, const char *propname,
				      u32 index, u32 *out_value);
extern int of_property_read_u8_array(const struct device_node *np, const char *propname,
				     u8 *out_values, size_t sz);
extern int of_property_read_u16_array(const struct device_node *np, const char *propname,
				      u16 *out_values, size_t sz);
extern int of_property_read_u32_array(const struct device_node *np, const char *propname,
				      u32 *out_values, size_t sz);
extern int of_property_read_u64(const struct device_node *np, const char *propname,
				u64 *out_value);
extern int of_property_read_string(struct device_node *np, const char *propname,
				   const char **out_string);
extern int of_property_read_string_index(struct device_node *np, const char *propname,
					 int index, const char **output);
extern int of_property_match_string(struct device_node *np, const char *propname,
				    const char *string);
extern int of_property_count_strings(struct device_node *np, const char *propname);
extern int of_device_is_compatible(const struct device_node *device, const char *);
extern int of_device_is_available(const struct device_node *device);
extern const struct of_device_id *of_match_node(const struct of_device_id *matches,
						const struct device_node *node);
extern int of_n_addr_cells(struct device_node *np);
extern int of_n_size_cells(struct device_node *np);
extern int of_alias_get_id(struct device_node *np, const char *stem);

static inline int of_property_read_u8(const struct device_node *np, const char *propname,
				      u8 *out_value)
{
	return of_property_read_u8_array(np, propname, out_value, 1);
}

static inline int of_property_read_u16(const struct device_node *np, const char *propname,
				       u16 *out_value)
{
	return of_property_read_u16_array(np, propname, out_value, 1);
}

static inline int of_property_read_u32(const struct device_node *np, const char *propname,
				       u32 *out_value)
{
	return of_property_read_u32_array(np, propname, out_value, 1);
}

static inline bool of_property_read_bool(const struct device_node *np, const char *propname)
{
	struct property *prop = of_find_property(np, propname, NULL);

	return prop ? true : false;
}

#define of_match_ptr(_ptr)	(_ptr)

#endif /* _LINUX_OF_H */
