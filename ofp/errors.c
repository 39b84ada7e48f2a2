/* OpenFlow error names and the mapping between (type, code) and enum ofperr. */
#include <config.h>
