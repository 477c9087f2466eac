# SPDX-License-Identifier: GPL-2.0-only
# bash completion for tdxctl. tests/unit/test-docs.sh checks that every command and option
# of the binary is listed here.

_tdxctl()
{
	local cur prev words cword
	_init_completion || return

	local commands="verify inspect convert"
	local image_opts="--sigstruct --key-hash --allow-debug"
	local opts

	if [[ $cword -eq 1 ]]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi

	case ${words[1]} in
	verify)  opts="$image_opts --json --quiet --help" ;;
	inspect) opts="$image_opts --json --version --help" ;;
	convert) opts="$image_opts --output --format --sigstruct-output --force --json --quiet --help" ;;
	*) return ;;
	esac

	case $prev in
	--format|-f)
		COMPREPLY=($(compgen -W "0x200 0x100 pair" -- "$cur"))
		return ;;
	--key-hash|--version|-V)
		return ;;
	--sigstruct|-s|--output|-o|--sigstruct-output)
		_filedir
		return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	else
		_filedir
	fi
} &&
complete -F _tdxctl tdxctl
