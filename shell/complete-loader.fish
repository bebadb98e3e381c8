# grant's completion, which fish loads from here the first time it completes grant
# or assume: `grant init fish` puts this folder first in $fish_complete_path.
if not set -q __grant_completion_loaded
    set -g __grant_completion_loaded
    command grant completions fish | source
end
