/* OXM matches: the field table, encode, decode and prerequisite validation. */
#include <config.h>
