"""leukotool: the model toolchain of leukoserve (build, train, freeze, convert)."""
