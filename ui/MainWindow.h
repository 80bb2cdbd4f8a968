#pragma once

#include <QMainWindow>

class QLabel;
class QStackedWidget;

namespace gatehouse {
struct Error;
struct StoreInfo;
} // namespace gatehouse

namespace gatehouse::ui {

// The console's main window. Until the admin pages arrive it shows which store is open
// (path, id, schema version, creation time), or why no store could be opened.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    void showStore(const StoreInfo &info);
    void showError(const QString &location, const Error &error);

private:
    QWidget *buildStorePage();
    QWidget *buildErrorPage();
    void buildMenus();

    QStackedWidget *m_pages = nullptr;
    QWidget *m_storePage = nullptr;
    QWidget *m_errorPage = nullptr;
    QLabel *m_location = nullptr;
    QLabel *m_backend = nullptr;
    QLabel *m_storeId = nullptr;
    QLabel *m_schemaVersion = nullptr;
    QLabel *m_createdAt = nullptr;
    QLabel *m_errorLocation = nullptr;
    QLabel *m_errorMessage = nullptr;
};

} // namespace gatehouse::ui
