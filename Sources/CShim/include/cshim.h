#ifndef CSHIM_H
#define CSHIM_H
// Plain prototypes only: _GNU_SOURCE lives in the .c file (defining it in a public header breaks
// the module build against Dispatch's fd_set).
int cshim_placeholder(void);
#endif
