/* cordon_darwin.h — darwin exports (included by cordon.h). */
#ifndef CORDON_DARWIN_H
#define CORDON_DARWIN_H

#endif
