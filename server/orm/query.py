"""A SELECT under construction: table, joins, conditions, order and paging (orm.md §12).

The ORM builds a :class:`Query` for every search; compiled domains add conditions, ``order`` adds
LEFT JOINs towards comodels, and the result becomes SQL only through :meth:`Query.select` or
:meth:`Query.subselect`, with every value bound as a parameter.
"""
from ..db.sql import SQL, make_identifier


class Query:
    """:param env: the environment (for the cursor)
    :param table: the main table
    :param alias: its alias in the query [the table name]
    """

    def __init__(self, env, table, alias=None):
        self.env = env
        self.table = table
        self.alias = alias or table
        self._joins = {}        # alias -> (kind, table, condition)
        self._where = []
        self.order = None
        self.limit = None
        self.offset = None
        self.groupby = None
        self.having = None
        self._ids = None

    def __repr__(self):
        sql = self.select()
        return f"<Query {sql.code!r} {sql.params!r}>"

    def make_alias(self, alias, link):
        return make_identifier(f"{alias}__{link}")

    def add_where(self, condition):
        """AND a condition (an :class:`SQL` object) to the WHERE clause."""
        self._where.append(condition if isinstance(condition, SQL) else SQL(condition))
        self._ids = None

    def add_join(self, kind, alias, table, condition):
        """Add ``kind JOIN table AS alias ON condition`` once per alias."""
        if alias in self._joins:
            return alias
        self._joins[alias] = (kind, table, condition)
        return alias

    def left_join(self, lhs_alias, lhs_column, rhs_table, rhs_column, link, extra=None):
        """LEFT JOIN ``rhs_table`` on ``lhs_alias.lhs_column = rhs.rhs_column``; returns its alias.

        :param extra: an :class:`SQL` condition on the joined alias ANDed to the join condition
            (rows not matching it join as NULL)
        """
        alias = self.make_alias(lhs_alias, link)
        condition = SQL("%s = %s", SQL.identifier(lhs_alias, lhs_column), SQL.identifier(alias, rhs_column))
        if extra is not None:
            condition = SQL("%s AND %s", condition, extra)
        return self.add_join("LEFT JOIN", alias, rhs_table, condition)

    @property
    def from_clause(self):
        parts = [SQL("%s AS %s", SQL.identifier(self.table), SQL.identifier(self.alias))
                 if self.alias != self.table else SQL.identifier(self.table)]
        for alias, (kind, table, condition) in self._joins.items():
            target = table if isinstance(table, SQL) else SQL.identifier(table)
            parts.append(SQL(f"{kind} %s AS %s ON (%s)", target, SQL.identifier(alias), condition))
        return SQL.join(" ", parts)

    @property
    def where_clause(self):
        if not self._where:
            return SQL("TRUE")
        return SQL.join(" AND ", [SQL("(%s)", w) for w in self._where])

    def is_empty(self):
        return any(w.code == "FALSE" for w in self._where)

    def select(self, *args):
        """The full SELECT of ``args`` (SQL objects or column names; default the id column)."""
        columns = SQL.join(", ", [a if isinstance(a, SQL) else SQL.identifier(self.alias, a) for a in args]) \
            if args else SQL.identifier(self.alias, "id")
        parts = [SQL("SELECT %s FROM %s WHERE %s", columns, self.from_clause, self.where_clause)]
        if self.groupby:
            parts.append(SQL("GROUP BY %s", self.groupby))
        if self.having:
            parts.append(SQL("HAVING %s", self.having))
        if self.order:
            parts.append(SQL("ORDER BY %s", self.order))
        if self.limit:
            parts.append(SQL("LIMIT %s", int(self.limit)))
        if self.offset:
            parts.append(SQL("OFFSET %s", int(self.offset)))
        return SQL.join(" ", parts)

    def subselect(self, *args):
        """The SELECT as a sub-query (the order is dropped unless paging needs it)."""
        if self.limit or self.offset:
            return self.select(*args)
        columns = SQL.join(", ", [a if isinstance(a, SQL) else SQL.identifier(self.alias, a) for a in args]) \
            if args else SQL.identifier(self.alias, "id")
        return SQL("SELECT %s FROM %s WHERE %s", columns, self.from_clause, self.where_clause)

    def get_result_ids(self):
        """Run the query and return the ids (memorised until the query changes)."""
        if self._ids is None:
            if self.is_empty():
                self._ids = ()
            else:
                cr = self.env.cr
                cr.execute(self.select())
                self._ids = tuple(row[0] for row in cr.fetchall())
        return self._ids
