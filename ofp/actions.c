/* OpenFlow 1.3 actions and instructions: encode and decode. */
#include <config.h>
