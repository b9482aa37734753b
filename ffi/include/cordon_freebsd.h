/* cordon_freebsd.h — freebsd exports (included by cordon.h). */
#ifndef CORDON_FREEBSD_H
#define CORDON_FREEBSD_H

#endif
