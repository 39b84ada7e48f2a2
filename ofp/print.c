/* Formatter: flows and messages in ovs-ofctl's text syntax. */
#include <config.h>
