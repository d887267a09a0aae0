"""leukotool: the model toolchain of leukoserve (build, train, freeze, convert)."""
import logging
import os

# Keep TensorFlow's noise down: its C++ logs (read at its first import, which every submodule does) to
# warnings, its Python deprecation notices (tf.compat.v1 resize in the reference preprocessing) to errors.
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
logging.getLogger('tensorflow').setLevel(logging.ERROR)
