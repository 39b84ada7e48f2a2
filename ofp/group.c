/* GROUP_MOD and the bucket lists shared with GROUP_DESC replies. */
#include <config.h>
