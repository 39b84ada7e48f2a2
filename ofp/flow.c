/* FLOW_MOD and FLOW_REMOVED. */
#include <config.h>
