#compdef selfhelp
#
# zsh completion for selfhelp (installed as _selfhelp).
#
# The candidates come from the program itself: `selfhelp __complete line
# -- WORD...` knows the commands, sub-commands, options, topic names and
# grounding exercises of the version that is installed. It never opens
# the vault and never asks anything.

_selfhelp() {
	local cmd=${(Q)words[1]}
	[[ $cmd == '~'* ]] && cmd=$HOME${cmd#\~}
	local -a lines candidates
	local line
	lines=("${(@f)$(command $cmd __complete line -- "${(@Q)words[2,CURRENT]}" 2>/dev/null)}")
	if [[ ${lines[1]} == :files ]]; then
		local value=${(Q)words[CURRENT]}
		if [[ $value == --*=* ]]; then
			compset -P '*='
		fi
		_files
		return
	fi
	for line in "${lines[@]}"; do
		[[ -n $line ]] || continue
		if [[ $line == *$'\t'* ]]; then
			candidates+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
		else
			candidates+=("${line//:/\\:}")
		fi
	done
	(( ${#candidates} )) || return 1
	_describe -t selfhelp 'selfhelp' candidates
}

if [[ $funcstack[1] == _selfhelp ]]; then
	_selfhelp "$@"
else
	compdef _selfhelp selfhelp
fi
