"""The library addon: catalogue rules, the loan workflow and who sees which loans."""
from bureau.exceptions import AccessError, UserError, ValidationError
from bureau.tests import TransactionCase, new_test_user


class TestLibrary(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.author = cls.env["res.partner"].create({"name": "Test Author"})
        cls.book = cls.env["library.book"].create({"name": "Test Book", "author_id": cls.author.id,
                                                   "isbn": "978-3-16-148410-0", "price": 12.5})
        cls.member = new_test_user(cls.env, "lib_member", groups="library.group_library_member")
        cls.librarian = new_test_user(cls.env, "lib_librarian", groups="library.group_library_librarian")

    def test_a_new_book_is_available(self):
        self.assertTrue(self.book.available)
        self.assertEqual(self.book.loan_count, 0)

    def test_an_ongoing_loan_makes_the_book_unavailable_until_returned(self):
        loan = self.env["library.loan"].create({"book_id": self.book.id, "member_id": self.author.id})
        self.assertTrue(loan.name.startswith("LOAN/"))
        loan.action_start()
        self.assertFalse(self.book.available)
        self.assertEqual(self.book.current_member_id, self.author)
        loan.action_return()
        self.assertTrue(self.book.available)
        self.assertEqual(loan.state, "returned")
        self.assertTrue(loan.date_end)

    def test_a_book_cannot_be_lent_twice_at_once(self):
        first = self.env["library.loan"].create({"book_id": self.book.id, "member_id": self.author.id})
        first.action_start()
        second = self.env["library.loan"].create({"book_id": self.book.id, "member_id": self.author.id})
        with self.assertRaises(ValidationError):
            second.action_start()

    def test_isbn_must_be_valid_and_unique(self):
        with self.assertRaises(ValidationError):
            self.env["library.book"].create({"name": "Bad", "isbn": "978-3-16-148410-1"})
        with self.assertRaises(ValidationError):
            self.env["library.book"].create({"name": "Copy", "isbn": "978-3-16-148410-0"})
            self.env.flush_all()

    def test_a_loan_cannot_end_before_it_starts(self):
        with self.assertRaises(ValidationError):
            self.env["library.loan"].create({"book_id": self.book.id, "member_id": self.author.id,
                                             "date_start": "2026-05-10", "date_end": "2026-05-01"})

    def test_returning_a_draft_loan_is_refused(self):
        loan = self.env["library.loan"].create({"book_id": self.book.id, "member_id": self.author.id})
        with self.assertRaises(UserError):
            loan.action_return()

    def test_members_see_only_their_own_loans(self):
        Loan = self.env["library.loan"]
        own = Loan.create({"book_id": self.book.id, "member_id": self.member.partner_id.id})
        other = Loan.create({"book_id": self.book.id, "member_id": self.author.id})
        visible = Loan.with_user(self.member).search([("id", "in", [own.id, other.id])])
        self.assertEqual(visible, own)
        self.assertEqual(Loan.with_user(self.librarian).search([("id", "in", [own.id, other.id])]), own | other)
        with self.assertRaises(AccessError):
            other.with_user(self.member).read(["name"])

    def test_members_cannot_change_the_catalogue(self):
        with self.assertRaises(AccessError):
            self.book.with_user(self.member).write({"price": 1})
        self.book.with_user(self.librarian).write({"price": 1})
        self.assertEqual(self.book.price, 1)

    def test_demo_books_are_loaded(self):
        pride = self.env.ref("library.book_pride", raise_if_not_found=False)
        if pride is None:
            self.skipTest("database without demo data")
        self.assertEqual(pride.author_id.name, "Jane Austen")
        self.assertFalse(self.env.ref("library.book_origin").available)
