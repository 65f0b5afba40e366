/* HDF5's own diagnostics, without HDF5's types (for cli/, which does not touch HDF5). */
#ifndef TELRISK_IO_H5DIAG_H
#define TELRISK_IO_H5DIAG_H

/* HDF5 prints its error stack as a call fails only when on (--verbose): telrisk reports every
 * failure itself, with the file and the reason, and a stack is for whoever debugs it. */
void tr_h5_diagnostics(int on);

#endif
