from . import data_models
