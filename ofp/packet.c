/* PACKET_IN and PACKET_OUT. */
#include <config.h>
