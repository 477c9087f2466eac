// SPDX-License-Identifier: GPL-2.0-only
/*
 * A libkmod.so.2 without libkmod's functions, found first through LD_LIBRARY_PATH: what
 * tdxctl does when the library it opens at run time is not the one it needs (test-host.sh).
 */
int tdxctl_kmod_stub(void);

int tdxctl_kmod_stub(void)
{
	return 0;
}
