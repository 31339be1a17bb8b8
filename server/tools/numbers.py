"""Number helpers shared by the ORM and addons."""
import decimal


def float_round(value, precision_digits=None, precision_rounding=None):
    """Round half away from zero to a number of digits or to a rounding step (0.01, 0.05 ...)."""
    if precision_rounding is None:
        if precision_digits is None:
            return value
        precision_rounding = 10 ** -precision_digits
    if not precision_rounding:
        return value
    quantum = decimal.Decimal(repr(precision_rounding))
    rounded = (decimal.Decimal(repr(value)) / quantum).quantize(
        decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP) * quantum
    return float(rounded)
