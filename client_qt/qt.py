"""The only module that imports PySide6: every other module takes Qt names from here.

Keeping the toolkit behind one module makes the rest of the client readable (``from ..qt import
QtWidgets, Signal``) and lets the import happen once, with the offscreen platform chosen for tests
by the environment (``QT_QPA_PLATFORM=offscreen``).
"""
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import (QAbstractTableModel, QCoreApplication, QDate, QDateTime, QEvent, QLocale,
                            QModelIndex, QObject, QRunnable, QSettings, QSize, QThreadPool, QTime, QTimer,
                            QUrl, Qt, Signal, Slot)
from PySide6.QtGui import (QAction, QBrush, QColor, QFont, QIcon, QKeySequence, QPalette, QPixmap,
                           QShortcut, QStandardItem, QStandardItemModel)
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QComboBox, QCompleter, QDateEdit,
                               QDateTimeEdit, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView,
                               QInputDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMainWindow,
                               QMenu, QMessageBox, QPlainTextEdit, QProgressDialog, QPushButton,
                               QScrollArea, QSizePolicy, QSpinBox, QSplitter, QStackedWidget, QStatusBar,
                               QTabWidget, QTableView, QTextEdit, QToolBar, QToolButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)
# list and search views
from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QPoint, QRect
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (QListView, QStyle, QStyledItemDelegate, QStyleOptionButton, QStyleOptionViewItem,
                               QTreeView, QWidgetAction)

# graph view (QtCharts comes with pyside6-addons)
from PySide6 import QtCharts

# status bar, conflict and recovery dialogs
from PySide6.QtWidgets import QProgressBar, QTableWidget, QTableWidgetItem

__all__ = [name for name in dir() if not name.startswith("_")]


def tr(text, context="Bureau"):
    """Translate a UI string through Qt's translation machinery."""
    return QCoreApplication.translate(context, text)
