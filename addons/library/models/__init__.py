from . import library_book
from . import library_loan
from . import library_loan_return
