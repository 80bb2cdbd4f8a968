<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>gatehouse::ui::MainWindow</name>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="45"/>
        <source>Gatehouse</source>
        <translation>Gatehouse</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="63"/>
        <source>Local store</source>
        <translation>Lokaler Speicher</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="75"/>
        <source>Database:</source>
        <translation>Datenbank:</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="76"/>
        <source>Engine:</source>
        <translation>Engine:</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="77"/>
        <source>Store id:</source>
        <translation>Speicher-ID:</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="78"/>
        <source>Schema version:</source>
        <translation>Schemaversion:</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="79"/>
        <source>Created:</source>
        <translation>Angelegt:</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="91"/>
        <source>The store could not be opened</source>
        <translation>Der Speicher konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="100"/>
        <source>Nothing was changed. Gatehouse never replaces an existing file with a new store.</source>
        <translation>Es wurde nichts verändert. Gatehouse ersetzt nie eine vorhandene Datei durch einen neuen Speicher.</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="109"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="110"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="112"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="113"/>
        <source>&amp;About Gatehouse</source>
        <translation>&amp;Über Gatehouse</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="114"/>
        <source>About Gatehouse</source>
        <translation>Über Gatehouse</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="115"/>
        <source>Gatehouse %1
Admin console for the auth layer of web applications.</source>
        <translation>Gatehouse %1
Administrationskonsole für die Authentifizierungsschicht von Webanwendungen.</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="124"/>
        <source>SQLite (local mode)</source>
        <translation>SQLite (lokaler Modus)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="131"/>
        <source>%1 — Gatehouse</source>
        <translation>%1 — Gatehouse</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="132"/>
        <source>Local mode · %1</source>
        <translation>Lokaler Modus · %1</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="140"/>
        <source>Gatehouse — store not opened</source>
        <translation>Gatehouse — kein Speicher geöffnet</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="141"/>
        <source>No store open</source>
        <translation>Kein Speicher geöffnet</translation>
    </message>
</context>
</TS>
