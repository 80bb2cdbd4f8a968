#include "MainWindow.h"
namespace gatehouse::ui { MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent) {} }
