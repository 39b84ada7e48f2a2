/* Port descriptions (struct ofp_port) and PORT_STATUS. */
#include <config.h>
