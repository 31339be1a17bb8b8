"""The graph view of an action tab (views.md §7): bar, line and pie charts of a ``read_group``.

The toolbar chooses the measure (Count or a stored numeric field), the chart type, stacking, the
x axis group-by and the series group-by (dates by day ... year); the search bar's domain and
group-bys apply. **Export PNG…** saves the chart as shown. Clicking a bar, point or slice opens its
records in a list (unless the arch says ``disable_linking``). The data comes from one
``read_group`` call run by the session's runner (:mod:`.data`); this module only draws it.
"""
import logging

from ...qt import (QCoreApplication, QFileDialog, QHBoxLayout, QLabel, QLocale, QMenu, QPainter, QStackedWidget,
                   QToolButton, QVBoxLayout, Qt, QtCharts, tr)
from ..base import SearchedView
from ..registry import register
from .data import (COUNT, INTERVALS, chart_data, fetch_graph, groupable_fields, groupby_label, measure_label,
                   offered_measures, parse_analysis)

_logger = logging.getLogger(__name__)

CHART_TYPES = (("bar", "Bar"), ("line", "Line"), ("pie", "Pie"))
#: beyond this many categories the x axis labels are drawn slanted
SLANT_LABELS = 8


def format_number(value, measure, fields):
    """``value`` as shown (locale digits; floats with two decimals, counts and integers without)."""
    locale = QLocale()
    kind = (fields.get(measure) or {}).get("type")
    if measure == COUNT or kind == "integer" or (isinstance(value, int) and kind != "float"):
        return locale.toString(int(value))
    return locale.toString(float(value), "f", 2)


def fill_groupby_menu(menu, fields, chosen, on_choice, allow_none=False):
    """Entries for every groupable field (dates with a submenu of intervals) calling ``on_choice``."""
    menu.clear()
    if allow_none:
        action = menu.addAction(tr("None"))
        action.setCheckable(True)
        action.setChecked(chosen is None)
        action.triggered.connect(lambda checked=False: on_choice(None))
        menu.addSeparator()
    for name, label, is_date in groupable_fields(fields):
        if is_date:
            sub = menu.addMenu(label)
            sub.setObjectName(f"groupby_{name}")
            for interval in INTERVALS:
                spec = f"{name}:{interval}"
                action = sub.addAction(tr(interval.title()))
                action.setCheckable(True)
                action.setChecked(chosen == spec)
                action.setData(spec)
                action.triggered.connect(lambda checked=False, s=spec: on_choice(s))
        else:
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(chosen == name)
            action.setData(name)
            action.triggered.connect(lambda checked=False, s=name: on_choice(s))


@register("graph")
class GraphView(SearchedView):
    """:param tab: the :class:`~client_qt.windows.action_tab.ActionTab`
    :param arch: the graph arch
    :param fields: ``{name: description}`` of the model
    """

    def __init__(self, tab, arch, fields, view_id=None):
        super().__init__(tab, fields, view_id)
        self.spec = parse_analysis(arch, fields)
        self.measures = offered_measures(fields, self.spec.hidden)
        offered = {name for name, _ in self.measures}
        active = [m for m in self.spec.measures if m in offered]
        self.measure = active[-1] if active else COUNT
        self.chart_type = self.spec.chart
        self.stacked = self.spec.stacked
        self.arch_groupbys = (self.spec.rows + self.spec.cols)[:2]
        self.user_groupbys = None
        self.search_groupbys = []
        self.data = None
        self.groups = None
        self._generation = 0
        self._build()

    # -- construction ----------------------------------------------------------------------------
    def _build(self):
        toolbar = QHBoxLayout()
        self.measure_button = self._menu_button("graph_measure", self._fill_measure_menu)
        toolbar.addWidget(self.measure_button)
        self.type_buttons = {}
        for kind, label in CHART_TYPES:
            button = QToolButton()
            button.setObjectName(f"graph_{kind}")
            button.setText(tr(label))
            button.setCheckable(True)
            button.clicked.connect(lambda checked=False, k=kind: self.set_chart_type(k))
            toolbar.addWidget(button)
            self.type_buttons[kind] = button
        self.stacked_button = QToolButton()
        self.stacked_button.setObjectName("graph_stacked")
        self.stacked_button.setText(tr("Stacked"))
        self.stacked_button.setCheckable(True)
        self.stacked_button.clicked.connect(lambda checked=False: self.set_stacked(checked))
        toolbar.addWidget(self.stacked_button)
        self.groupby_button = self._menu_button("graph_groupby", self._fill_groupby_menu)
        toolbar.addWidget(self.groupby_button)
        self.series_button = self._menu_button("graph_series", self._fill_series_menu)
        toolbar.addWidget(self.series_button)
        toolbar.addStretch(1)
        self.export_button = QToolButton()
        self.export_button.setObjectName("graph_export_png")
        self.export_button.setText(tr("Export PNG…"))
        self.export_button.clicked.connect(lambda: self.export_png())
        toolbar.addWidget(self.export_button)

        self.chart = QtCharts.QChart()
        self.chart.setAnimationOptions(QtCharts.QChart.AnimationOption.NoAnimation)
        self.chart.legend().setVisible(True)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QtCharts.QChartView(self.chart)
        self.chart_view.setObjectName("graph_chart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.message = QLabel("")
        self.message.setObjectName("graph_message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.chart_view)
        self.stack.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(toolbar)
        layout.addWidget(self.stack, 1)
        self._update_toolbar()

    def _menu_button(self, name, filler):
        button = QToolButton()
        button.setObjectName(name)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        menu.setObjectName(name + "_menu")
        menu.aboutToShow.connect(lambda: filler(menu))
        button.setMenu(menu)
        return button

    def _fill_measure_menu(self, menu):
        menu.clear()
        for name, label in self.measures:
            action = menu.addAction(tr(label) if name == COUNT else label)
            action.setCheckable(True)
            action.setChecked(name == self.measure)
            action.setData(name)
            action.triggered.connect(lambda checked=False, n=name: self.set_measure(n))

    def _fill_groupby_menu(self, menu):
        groupbys = self.groupbys()
        fill_groupby_menu(menu, self.fields, groupbys[0] if groupbys else None,
                          lambda spec: self.set_groupbys([spec] + groupbys[1:2] if spec else []), allow_none=True)

    def _fill_series_menu(self, menu):
        groupbys = self.groupbys()
        fill_groupby_menu(menu, self.fields, groupbys[1] if len(groupbys) > 1 else None,
                          lambda spec: self.set_groupbys(groupbys[:1] + ([spec] if spec else [])), allow_none=True)

    def _update_toolbar(self):
        self.measure_button.setText(tr("Measure: {0}").format(measure_label(self.measure, self.fields)))
        for kind, button in self.type_buttons.items():
            button.setChecked(kind == self.chart_type)
        self.stacked_button.setChecked(self.stacked)
        self.stacked_button.setEnabled(self.chart_type == "bar")
        groupbys = self.groupbys()
        self.groupby_button.setText(tr("Group By: {0}").format(
            groupby_label(groupbys[0], self.fields, self.spec.strings) if groupbys else tr("None")))
        self.series_button.setText(tr("Series: {0}").format(
            groupby_label(groupbys[1], self.fields, self.spec.strings) if len(groupbys) > 1 else tr("None")))
        self.series_button.setEnabled(bool(groupbys))

    # -- view protocol ---------------------------------------------------------------------------
    def apply_group_by(self, group_by):
        """The search's first two group-bys replace the ones chosen in the view."""
        self.search_groupbys = group_by[:2]
        if self.search_groupbys:
            self.user_groupbys = None
        self.reload()

    # -- state -----------------------------------------------------------------------------------
    def groupbys(self):
        """The effective group-bys: the user's choice, else the search's, else the arch's."""
        if self.user_groupbys is not None:
            return list(self.user_groupbys)
        return list(self.search_groupbys or self.arch_groupbys)

    def set_measure(self, measure):
        self.measure = measure
        self.reload()

    def set_groupbys(self, groupbys):
        self.user_groupbys = [g for g in groupbys if g][:2]
        self.reload()

    def set_chart_type(self, kind):
        self.chart_type = kind
        self._update_toolbar()
        if self.data is not None:
            self.render()

    def set_stacked(self, stacked):
        self.stacked = bool(stacked)
        self._update_toolbar()
        if self.data is not None:
            self.render()

    # -- data ------------------------------------------------------------------------------------
    def reload(self):
        """Ask the server for the groups of the current measure, group-bys and domain."""
        self._update_toolbar()
        self._generation += 1
        generation = self._generation
        groupbys = self.groupbys()
        measure = self.measure
        self.calls.run(fetch_graph, self.session.connection, self.model_name, self.domain, measure, groupbys,
                       self.context, self.spec.order,
                       on_result=lambda groups: self._loaded(generation, groups, groupbys, measure),
                       on_error=self._failed)

    def is_loading(self):
        return bool(self.calls.jobs)

    def _loaded(self, generation, groups, groupbys, measure):
        if generation != self._generation:
            return
        self.groups = groups
        self.shown_groupbys = groupbys
        self.data = chart_data(groups, groupbys, measure, self.fields,
                               series_label=measure_label(measure, self.fields, self.spec.strings))
        self.render()

    def _failed(self, error):
        self.message.setText(tr("The graph could not be loaded: {0}").format(error))
        self.stack.setCurrentWidget(self.message)
        window = getattr(self.tab, "window", None)
        if window is not None and hasattr(window, "show_error"):
            window.show_error(error)

    # -- drawing ---------------------------------------------------------------------------------
    def render(self):
        """Draw :attr:`data` as the current chart type."""
        chart, data = self.chart, self.data
        chart.removeAllSeries()
        for axis in list(chart.axes()):
            chart.removeAxis(axis)
        self.series = []
        title = self.spec.title or ""
        chart.setTitle(title)
        if not data.categories or not any(data.values):
            self.message.setText(tr("No data to show"))
            self.stack.setCurrentWidget(self.message)
            return
        self.stack.setCurrentWidget(self.chart_view)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        if self.chart_type == "pie":
            self._draw_pie(data)
        elif self.chart_type == "line":
            self._draw_lines(data)
        else:
            self._draw_bars(data)

    def _value_axis(self, maximum, minimum=0):
        axis = QtCharts.QValueAxis()
        axis.setRange(min(0, minimum), maximum if maximum > min(0, minimum) else 1)
        axis.applyNiceNumbers()
        axis.setTitleText(measure_label(self.measure, self.fields, self.spec.strings))
        if self.measure == COUNT or (self.fields.get(self.measure) or {}).get("type") == "integer":
            axis.setLabelFormat("%d")
        return axis

    def _category_axis(self, data):
        axis = QtCharts.QBarCategoryAxis()
        axis.append([label or " " for label in self._unique(data.categories)])
        if len(data.categories) > SLANT_LABELS:
            axis.setLabelsAngle(-45)
        groupbys = self.shown_groupbys
        if groupbys:
            axis.setTitleText(groupby_label(groupbys[0], self.fields, self.spec.strings))
        return axis

    @staticmethod
    def _unique(labels):
        """Category labels made unique (two groups may have the same name)."""
        seen, result = {}, []
        for label in labels:
            seen[label] = seen.get(label, 0) + 1
            result.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
        return result

    def _draw_bars(self, data):
        stacked = self.stacked and len(data.series) > 1
        series = QtCharts.QStackedBarSeries() if stacked else QtCharts.QBarSeries()
        for index, name in enumerate(data.series):
            bar_set = QtCharts.QBarSet(name)
            bar_set.append([float(v) for v in data.values[index]])
            bar_set.clicked.connect(lambda category, s=index: self.open_records(s, category))
            series.append(bar_set)
        self.chart.addSeries(series)
        self.series.append(series)
        x_axis = self._category_axis(data)
        if stacked:
            top = max(data.category_totals() or [0])
            bottom = min([0] + [sum(min(row[i], 0) for row in data.values) for i in range(len(data.categories))])
        else:
            top = max(max(row) for row in data.values)
            bottom = min(min(row) for row in data.values)
        y_axis = self._value_axis(top, bottom)
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        self.chart.legend().setVisible(True)

    def _draw_lines(self, data):
        x_axis = self._category_axis(data)
        y_axis = self._value_axis(max(max(row) for row in data.values), min(min(row) for row in data.values))
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for index, name in enumerate(data.series):
            line = QtCharts.QLineSeries()
            line.setName(name)
            for position, value in enumerate(data.values[index]):
                line.append(float(position), float(value))
            line.setPointsVisible(True)
            line.clicked.connect(lambda point, s=index: self.open_records(s, round(point.x())))
            self.chart.addSeries(line)
            line.attachAxis(x_axis)
            line.attachAxis(y_axis)
            self.series.append(line)
        self.chart.legend().setVisible(True)

    def _draw_pie(self, data):
        pie = QtCharts.QPieSeries()
        two = len(data.series) > 1
        total = data.total() or 1
        for s, name in enumerate(data.series):
            for c, category in enumerate(data.categories):
                value = data.values[s][c]
                if value <= 0:
                    continue  # a pie cannot show negative or empty shares
                label = f"{category} / {name}" if two else category
                pie_slice = pie.append(label, float(value))
                pie_slice.setLabel(f"{label}: {format_number(value, self.measure, self.fields)} "
                                   f"({100.0 * value / total:.1f} %)")
                # the legend (right) tells each slice's label, value and share: labels on the slices
                # would be clipped at the chart's edge
                pie_slice.setLabelVisible(False)
                pie_slice.clicked.connect(lambda checked=False, s=s, c=c: self.open_records(s, c))
        pie.setPieSize(0.7)
        self.chart.addSeries(pie)
        self.series.append(pie)
        self.chart.legend().setVisible(True)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)

    # -- user actions ----------------------------------------------------------------------------
    def shown_values(self):
        """``{(series label, category label): value}`` as drawn (tests, accessibility)."""
        result = {}
        for series in self.series:
            if isinstance(series, QtCharts.QAbstractBarSeries):
                labels = self._unique(self.data.categories)
                for bar_set in series.barSets():
                    for index in range(bar_set.count()):
                        result[(bar_set.label(), labels[index])] = bar_set.at(index)
            elif isinstance(series, QtCharts.QPieSeries):
                for pie_slice in series.slices():
                    result[("", pie_slice.label().rsplit(": ", 1)[0])] = pie_slice.value()
            else:
                for point in series.points():
                    result[(series.name(), self.data.categories[round(point.x())])] = point.y()
        return result

    def open_records(self, series_index, category_index):
        """Open the records of one bar/point/slice in a list (views.md §7), unless disabled."""
        if self.spec.disable_linking or self.data is None:
            return None
        try:
            domain = self.data.domains[series_index][category_index]
        except IndexError:
            return None
        if domain is None:
            return None
        window = getattr(self.tab, "window", None)
        if window is None or not hasattr(window, "run_action_dict"):
            return None
        label = self.data.categories[category_index]
        action = {"type": "ir.actions.act_window", "res_model": self.model_name,
                  "name": f"{self.spec.title or self.model_name}: {label}",
                  "views": [[False, "list"], [False, "form"]], "domain": domain,
                  "context": {k: v for k, v in self.context.items() if not k.startswith("search_default_")}}
        return window.run_action_dict(action)

    def export_png(self, path=None):
        """Save the chart as a PNG (asks where unless ``path``); returns the path or None."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, tr("Export the graph"), "graph.png", tr("PNG images (*.png)"))
            if not path:
                return None
        QCoreApplication.processEvents()  # the chart's scene applies changes from posted events
        pixmap = self.chart_view.grab() if self.stack.currentWidget() is self.chart_view else self.stack.grab()
        if not pixmap.save(path, "PNG"):
            _logger.warning("could not save the graph to %s", path)
            return None
        return path
