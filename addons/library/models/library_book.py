"""Books of the library catalogue."""
from bureau import api, fields, models
from bureau.exceptions import ValidationError

GENRES = [
    ("novel", "Novel"),
    ("poetry", "Poetry"),
    ("essay", "Essay"),
    ("science", "Science"),
    ("history", "History"),
    ("children", "Children"),
    ("comics", "Comics"),
]


def isbn_is_valid(isbn):
    """Whether ``isbn`` (digits, hyphens and spaces allowed) has a correct ISBN-10 or ISBN-13 check digit."""
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
        check = 10 if digits[9] == "X" else int(digits[9])
        return (total + check) % 11 == 0
    return False


class LibraryBook(models.Model):
    _name = "library.book"
    _description = "Book"
    _order = "name, id"

    name = fields.Char(string="Title", required=True, index=True)
    isbn = fields.Char(string="ISBN", size=17, copy=False, help="ISBN-10 or ISBN-13, hyphens allowed")
    author_id = fields.Many2one("res.partner", string="Author", index=True)
    price = fields.Float(digits=(10, 2))
    publication_date = fields.Date()
    genre = fields.Selection(GENRES, default="novel")
    pages = fields.Integer(string="Number of Pages")
    description = fields.Text()
    cover = fields.Image(string="Cover", max_width=512, max_height=512)
    color = fields.Integer(string="Color Index")
    active = fields.Boolean(default=True)
    loan_ids = fields.One2many("library.loan", "book_id", string="Loans")
    loan_count = fields.Integer(compute="_compute_availability", store=True, string="Number of Loans")
    available = fields.Boolean(compute="_compute_availability", store=True,
                               help="No ongoing loan: the book is on the shelf")
    current_member_id = fields.Many2one("res.partner", compute="_compute_availability", store=True,
                                        string="Borrowed by")

    _sql_constraints = [
        ("isbn_uniq", "unique(isbn)", "Another book already has this ISBN."),
        ("price_positive", "CHECK (price >= 0)", "The price of a book cannot be negative."),
    ]

    @api.depends("loan_ids.state", "loan_ids.member_id")
    def _compute_availability(self):
        for book in self:
            ongoing = book.loan_ids.filtered(lambda loan: loan.state == "ongoing")
            book.available = not ongoing
            book.current_member_id = ongoing[:1].member_id
            book.loan_count = len(book.loan_ids)

    @api.constrains("isbn")
    def _check_isbn(self):
        for book in self:
            if book.isbn and not isbn_is_valid(book.isbn):
                raise ValidationError(self.env._("The ISBN %s of %s is not valid.", book.isbn, book.name))

    def action_view_loans(self):
        """The loans of the book (smart button)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Loans of %s", self.name),
            "res_model": "library.loan",
            "view_mode": "list,form",
            "domain": [("book_id", "=", self.id)],
            "context": {"default_book_id": self.id},
        }
