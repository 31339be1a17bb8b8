from bureau.exceptions import ValidationError
from bureau.tests import SingleTransactionCase, TransactionCase, new_test_user, tagged


class TestRollbackBetweenTests(TransactionCase):
    """Each test starts from the same state: what one creates the next does not see."""

    def test_a_create(self):
        self.env["test.orm.tag"].create({"name": "tt-only-in-a"})
        self.assertEqual(self.env["test.orm.tag"].search_count([("name", "=", "tt-only-in-a")]), 1)

    def test_b_not_seen(self):
        self.assertEqual(self.env["test.orm.tag"].search_count([("name", "=", "tt-only-in-a")]), 0)

    def test_assert_raises_keeps_the_transaction_usable(self):
        order = self.env["test.orm.order"].create({"name": "TT-1"})
        with self.assertRaises(ValidationError):
            order.write({"discount": -5})
        self.assertEqual(self.env["test.orm.order"].search_count([("name", "=", "TT-1")]), 1)

    def test_commit_is_forbidden(self):
        with self.assertRaises(AssertionError):
            self.env.cr.commit()

    def test_query_count_and_record_values(self):
        tags = self.env["test.orm.tag"].create([{"name": "tt-x", "color": 1}, {"name": "tt-y", "color": 2}])
        with self.assertQueryCount(3):
            tags.write({"color": 5})
        self.assertRecordValues(tags, [{"name": "tt-x", "color": 5}, {"name": "tt-y", "color": 5}])

    def test_new_test_user_has_the_groups(self):
        user = new_test_user(self.env, "tt_user", groups="base.group_user,base.group_partner_manager")
        self.assertTrue(user.has_group("base.group_partner_manager"))

    def test_other_cursors_share_the_test_transaction(self):
        tag = self.env["test.orm.tag"].create({"name": "tt-shared"})
        self.env.flush_all()
        server = self.registry.server
        with server.cursor(self.cr.dbname) as other:
            other.execute("SELECT name FROM test_orm_tag WHERE id = %s", [tag.id])
            self.assertEqual(other.fetchone()[0], "tt-shared")


class TestSingleTransaction(SingleTransactionCase):
    def test_1_create(self):
        self.env["test.orm.tag"].create({"name": "tt-single"})

    def test_2_still_there(self):
        self.assertEqual(self.env["test.orm.tag"].search_count([("name", "=", "tt-single")]), 1)


@tagged("post_install", "-at_install", "tt_marker")
class TestTagged(TransactionCase):
    def test_tagged(self):
        self.assertIn("tt_marker", self.test_tags)


@tagged("-standard", "tt_failing")
class TestFailing(TransactionCase):
    """Selected only explicitly (tag tt_failing): proves a failure gives a non-zero exit code."""

    def test_fails(self):
        self.assertEqual(1, 2)
