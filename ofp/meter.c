/* METER_MOD and meter bands. */
#include <config.h>
