#include "MainWindow.h"

#include "model/Error.h"
#include "store/Store.h"

#include <QApplication>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace gatehouse::ui {

namespace {

// Everything shown here may come from a file or a server: never interpret it as rich text.
QLabel *plainLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.5);
    font.setBold(true);
    label->setFont(font);
    return label;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("Gatehouse"));
    resize(900, 600);

    m_pages = new QStackedWidget(this);
    m_storePage = buildStorePage();
    m_errorPage = buildErrorPage();
    m_pages->addWidget(m_storePage);
    m_pages->addWidget(m_errorPage);
    setCentralWidget(m_pages);
    buildMenus();
}

QWidget *MainWindow::buildStorePage()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("storePage"));
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(32, 32, 32, 32);
    layout->addWidget(heading(tr("Local store"), page));

    auto *form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignRight);
    m_location = plainLabel(page);
    m_location->setObjectName(QStringLiteral("storeLocation"));
    m_backend = plainLabel(page);
    m_storeId = plainLabel(page);
    m_storeId->setObjectName(QStringLiteral("storeId"));
    m_schemaVersion = plainLabel(page);
    m_schemaVersion->setObjectName(QStringLiteral("schemaVersion"));
    m_createdAt = plainLabel(page);
    form->addRow(tr("Database:"), m_location);
    form->addRow(tr("Engine:"), m_backend);
    form->addRow(tr("Store id:"), m_storeId);
    form->addRow(tr("Schema version:"), m_schemaVersion);
    form->addRow(tr("Created:"), m_createdAt);
    layout->addLayout(form);
    layout->addStretch();
    return page;
}

QWidget *MainWindow::buildErrorPage()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("errorPage"));
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(32, 32, 32, 32);
    layout->addWidget(heading(tr("The store could not be opened"), page));
    m_errorLocation = plainLabel(page);
    m_errorLocation->setObjectName(QStringLiteral("errorLocation"));
    m_errorMessage = plainLabel(page);
    m_errorMessage->setObjectName(QStringLiteral("errorMessage"));
    m_errorMessage->setWordWrap(true);
    layout->addWidget(m_errorLocation);
    layout->addWidget(m_errorMessage);
    QLabel *reassurance = plainLabel(page);
    reassurance->setText(tr("Nothing was changed. Gatehouse never replaces an existing file "
                            "with a new store."));
    layout->addWidget(reassurance);
    layout->addStretch();
    return page;
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Gatehouse"), this, [this] {
        QMessageBox::about(this, tr("About Gatehouse"),
                           tr("Gatehouse %1\nAdmin console for the auth layer of web "
                              "applications.")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::showStore(const StoreInfo &info)
{
    m_location->setText(info.location);
    m_backend->setText(info.backend == QStringLiteral("sqlite") ? tr("SQLite (local mode)")
                                                                : info.backend);
    m_storeId->setText(info.storeId);
    m_schemaVersion->setText(QString::number(info.schemaVersion));
    m_createdAt->setText(QLocale().toString(info.createdAt.toLocalTime(), QLocale::LongFormat)
                         + QStringLiteral("  (") + info.createdAt.toString(Qt::ISODate)
                         + QLatin1Char(')'));
    setWindowTitle(tr("%1 — Gatehouse").arg(QFileInfo(info.location).fileName()));
    statusBar()->showMessage(tr("Local mode · %1").arg(info.location));
    m_pages->setCurrentWidget(m_storePage);
}

void MainWindow::showError(const QString &location, const Error &error)
{
    m_errorLocation->setText(location);
    m_errorMessage->setText(error.message);
    setWindowTitle(tr("Gatehouse — store not opened"));
    statusBar()->showMessage(tr("No store open"));
    m_pages->setCurrentWidget(m_errorPage);
}

} // namespace gatehouse::ui
