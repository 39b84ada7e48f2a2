/* Parser: ovs-ofctl's flow syntax (the subset libofp encodes) into ofp_flow_mod. */
#include <config.h>
