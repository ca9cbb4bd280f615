// Owns: preview1 constants from the witx files: rights bits, flags, enum values, struct sizes.
// Must not: contain logic.

/** Rights bits (witx `$rights`); all fit in 30 bits, so they are kept as numbers. */
export const Rights = {
  FD_DATASYNC: 1 << 0,
  FD_READ: 1 << 1,
  FD_SEEK: 1 << 2,
  FD_FDSTAT_SET_FLAGS: 1 << 3,
  FD_SYNC: 1 << 4,
  FD_TELL: 1 << 5,
  FD_WRITE: 1 << 6,
  FD_ADVISE: 1 << 7,
  FD_ALLOCATE: 1 << 8,
  PATH_CREATE_DIRECTORY: 1 << 9,
  PATH_CREATE_FILE: 1 << 10,
  PATH_LINK_SOURCE: 1 << 11,
  PATH_LINK_TARGET: 1 << 12,
  PATH_OPEN: 1 << 13,
  FD_READDIR: 1 << 14,
  PATH_READLINK: 1 << 15,
  PATH_RENAME_SOURCE: 1 << 16,
  PATH_RENAME_TARGET: 1 << 17,
  PATH_FILESTAT_GET: 1 << 18,
  PATH_FILESTAT_SET_SIZE: 1 << 19,
  PATH_FILESTAT_SET_TIMES: 1 << 20,
  FD_FILESTAT_GET: 1 << 21,
  FD_FILESTAT_SET_SIZE: 1 << 22,
  FD_FILESTAT_SET_TIMES: 1 << 23,
  PATH_SYMLINK: 1 << 24,
  PATH_REMOVE_DIRECTORY: 1 << 25,
  PATH_UNLINK_FILE: 1 << 26,
  POLL_FD_READWRITE: 1 << 27,
  SOCK_SHUTDOWN: 1 << 28,
  SOCK_ACCEPT: 1 << 29,
} as const;

const R = Rights;
/** Every defined right. */
export const ALL_RIGHTS = (1 << 30) - 1;
/** Rights that make sense on a regular file. */
export const FILE_RIGHTS =
  R.FD_DATASYNC | R.FD_READ | R.FD_SEEK | R.FD_FDSTAT_SET_FLAGS | R.FD_SYNC | R.FD_TELL | R.FD_WRITE |
  R.FD_ADVISE | R.FD_ALLOCATE | R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_SIZE | R.FD_FILESTAT_SET_TIMES |
  R.POLL_FD_READWRITE;
/** Rights that make sense on a directory. */
export const DIR_RIGHTS =
  R.FD_FDSTAT_SET_FLAGS | R.FD_SYNC | R.FD_DATASYNC | R.FD_ADVISE | R.PATH_CREATE_DIRECTORY | R.PATH_CREATE_FILE |
  R.PATH_LINK_SOURCE | R.PATH_LINK_TARGET | R.PATH_OPEN | R.FD_READDIR | R.PATH_READLINK |
  R.PATH_RENAME_SOURCE | R.PATH_RENAME_TARGET | R.PATH_FILESTAT_GET | R.PATH_FILESTAT_SET_SIZE |
  R.PATH_FILESTAT_SET_TIMES | R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_TIMES | R.PATH_SYMLINK |
  R.PATH_REMOVE_DIRECTORY | R.PATH_UNLINK_FILE | R.POLL_FD_READWRITE;
/** Rights of a stream (stdio, pipes): no seek or tell, which is how wasi-libc's isatty tells a tty. */
export const STREAM_RIGHTS = R.FD_READ | R.FD_WRITE | R.FD_FDSTAT_SET_FLAGS | R.FD_FILESTAT_GET | R.POLL_FD_READWRITE | R.FD_SYNC | R.FD_DATASYNC;

/** `$filetype` */
export const Filetype = {
  unknown: 0, 'block-device': 1, 'character-device': 2, directory: 3, 'regular-file': 4,
  'socket-dgram': 5, socket: 6, 'symbolic-link': 7, fifo: 0,
} as const;

/** `$fdflags` */
export const FdFlags = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;
/** `$oflags` */
export const OFlags = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
/** `$lookupflags` */
export const LOOKUP_SYMLINK_FOLLOW = 1;
/** `$fstflags` */
export const FstFlags = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
/** `$eventtype` */
export const EventType = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;
/** `$subclockflags` */
export const SUBSCRIPTION_CLOCK_ABSTIME = 1;
/** `$eventrwflags` */
export const EVENT_FD_READWRITE_HANGUP = 1;
/** `$sdflags` */
export const SdFlags = { RD: 1, WR: 2 } as const;

/** Struct sizes in bytes. */
export const Size = { IOVEC: 8, FILESTAT: 64, FDSTAT: 24, PRESTAT: 8, DIRENT: 24, SUBSCRIPTION: 48, EVENT: 32 } as const;
