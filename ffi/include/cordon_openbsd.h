/* cordon_openbsd.h — openbsd exports (included by cordon.h). */
#ifndef CORDON_OPENBSD_H
#define CORDON_OPENBSD_H

#endif
