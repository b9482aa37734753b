/* cordon_windows.h — windows exports (included by cordon.h). */
#ifndef CORDON_WINDOWS_H
#define CORDON_WINDOWS_H

#endif
