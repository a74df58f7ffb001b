"""The kernel's file-system side (Linux fs/): the namespace, paths, directories, metadata,
descriptors, pipes and /proc. fs.calls registers the system calls."""
