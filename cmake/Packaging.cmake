# Installation layout and the Debian package, built with CPack's DEB
# generator: `make package` (or `cpack -G DEB` in the build directory).
# tests/package checks the result. Included last from the top-level
# CMakeLists.txt, so every target exists here.
#
# Layout of the package (Debian 12, FHS):
#   /usr/sbin/brevisd                      the server and its admin subcommands
#   /usr/bin/brevisctl                     the command-line client
#   /usr/sbin/brevis-web                   the web application
#   /usr/sbin/brevis-notify                e-mail reminders from the event feed
#   /etc/brevis/brevis-notify.toml         its example settings (conffile)
#   /etc/brevis/brevisd.toml               example settings (conffile)
#   /etc/brevis/brevis-web.toml            brevis-web's (conffile)
#   /etc/default/brevis-backup             backup settings (conffile)
#   /lib/systemd/system/                   brevisd.service, brevis-web.service,
#                                          brevis-backup.*
#   /usr/lib/brevis/backup, prune-backups  what brevis-backup.service runs
#   /usr/share/doc/brevis/                 copyright, changelog, guides
#   /usr/share/man/man8/brevisd.8.gz, brevis-web.8.gz, brevis-notify.8.gz,
#     man1/brevisctl.1.gz
# brevisd goes to sbin: it is a daemon, and every subcommand (init, migrate,
# backup, restore, token) is an administrator's task run as root or as the
# brevis user. brevis-web is a daemon too, run as its own brevis-web user.
# brevisctl, the client for people and scripts, goes to /usr/bin.
#
# Everything is installed in the component "brevis", and CPack packs that
# component alone, so an install() rule added elsewhere for another purpose
# does not slip into the package unnoticed.

set(BREVIS_PACKAGE_MAINTAINER
  "brevis maintainers <brevis-maintainers@example.org>"
  CACHE STRING "Maintainer field of the Debian package: Name <address>")
set(BREVIS_PACKAGE_RELEASE 1
  CACHE STRING "Debian revision of the package (the N in 0.1.0-N)")

set(_deploy ${PROJECT_SOURCE_DIR}/deploy)
set(_debian ${_deploy}/debian)
set(_doc_dir share/doc/brevis)

# The binary. Relative destinations follow the prefix (/usr in the package);
# /etc and /lib/systemd/system are where Debian looks whatever the prefix.
install(TARGETS brevisd brevis-web RUNTIME DESTINATION sbin COMPONENT brevis)
install(TARGETS brevisctl RUNTIME DESTINATION bin COMPONENT brevis)
# Every symbol resolved at start-up, then the relocation table made
# read-only (full RELRO), as Debian's hardening flags do.
foreach(_program brevisd brevis-web brevis-notify brevisctl)
  target_link_options(${_program} PRIVATE LINKER:-z,relro LINKER:-z,now)
endforeach()
# brevis-notify is a daemon too (a system service of its own).
install(TARGETS brevis-notify RUNTIME DESTINATION sbin COMPONENT brevis)

install(FILES ${_deploy}/brevisd.toml ${_deploy}/brevis-web.toml
    ${_deploy}/brevis-notify.toml
  DESTINATION /etc/brevis
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
  COMPONENT brevis)
install(FILES ${_deploy}/systemd/brevis-backup.default
  DESTINATION /etc/default RENAME brevis-backup
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
  COMPONENT brevis)
install(FILES
    ${_deploy}/systemd/brevisd.service
    ${_deploy}/systemd/brevis-web.service
    ${_deploy}/systemd/brevis-notify.service
    ${_deploy}/systemd/brevis-backup.service
    ${_deploy}/systemd/brevis-backup.timer
  DESTINATION /lib/systemd/system
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
  COMPONENT brevis)
install(PROGRAMS ${_deploy}/systemd/backup.sh
  DESTINATION lib/brevis RENAME backup COMPONENT brevis)
install(PROGRAMS ${_deploy}/systemd/prune-backups.sh
  DESTINATION lib/brevis RENAME prune-backups COMPONENT brevis)

# The changelog and the manual pages go in compressed with gzip -9n (no name,
# no time stamp), as Debian wants; done at configure time, and again
# whenever either source changes.
set(_compressed ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${_compressed})
foreach(_pair "changelog;changelog.Debian.gz" "brevisd.8;brevisd.8.gz"
    "brevis-web.8;brevis-web.8.gz" "brevisctl.1;brevisctl.1.gz"
    "brevis-notify.8;brevis-notify.8.gz")
  list(GET _pair 0 _source)
  list(GET _pair 1 _target)
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY
    CMAKE_CONFIGURE_DEPENDS ${_debian}/${_source})
  execute_process(
    COMMAND gzip -9 -n -c ${_debian}/${_source}
    OUTPUT_FILE ${_compressed}/${_target}
    RESULT_VARIABLE _gzip_result)
  if(NOT _gzip_result EQUAL 0)
    message(FATAL_ERROR "gzip of deploy/debian/${_source} failed")
  endif()
endforeach()

set(_doc_permissions OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES
    ${_debian}/copyright
    ${_compressed}/changelog.Debian.gz
    ${PROJECT_SOURCE_DIR}/README.md
    ${PROJECT_SOURCE_DIR}/docs/operations.md
  DESTINATION ${_doc_dir}
  PERMISSIONS ${_doc_permissions}
  COMPONENT brevis)
install(FILES ${_debian}/lintian-overrides
  DESTINATION share/lintian/overrides RENAME brevis
  PERMISSIONS ${_doc_permissions}
  COMPONENT brevis)
install(FILES ${_compressed}/brevisd.8.gz ${_compressed}/brevis-web.8.gz
    ${_compressed}/brevis-notify.8.gz
  DESTINATION share/man/man8
  PERMISSIONS ${_doc_permissions}
  COMPONENT brevis)
install(FILES ${_compressed}/brevisctl.1.gz
  DESTINATION share/man/man1
  PERMISSIONS ${_doc_permissions}
  COMPONENT brevis)

# The Debian changelog's newest entry must name the version being packaged;
# tests/package checks the same inside the .deb.
file(STRINGS ${_debian}/changelog _changelog_head LIMIT_COUNT 1)
set(BREVIS_DEB_VERSION ${PROJECT_VERSION}-${BREVIS_PACKAGE_RELEASE})
if(NOT _changelog_head MATCHES "^brevis \\(${BREVIS_DEB_VERSION}\\) ")
  message(WARNING "deploy/debian/changelog does not start with an entry for "
    "brevis ${BREVIS_DEB_VERSION}; add one before packaging")
endif()

# CPack: one .deb named brevis_VERSION-REVISION_ARCH.deb.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME brevis)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the brevis authors")
set(CPACK_PACKAGE_CONTACT ${BREVIS_PACKAGE_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};brevis;brevis;/")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "server for user audits (brukarrevision) of child psychiatry units")
# Lines of the long description stay under 80 characters (Debian policy).
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "brevis keeps the whole loop of a user audit of a child and adolescent"
  "psychiatry (BUP) unit in one place: the auditors' interviews, findings and"
  "recommendations, the unit's action plan and the follow-up. brevisd serves"
  "it over gRPC, with bearer tokens and TLS or mutual TLS, from a SQLite"
  "database."
  ""
  "This package runs brevisd as a sandboxed systemd service under its own"
  "user, with its data in /var/lib/brevis, and backs the database up daily."
  "brevis-web, the web application for auditors, unit managers, viewers and"
  "admins, runs beside it as a sandboxed service of its own. brevisctl is"
  "the command-line client.")

set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${BREVIS_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_RELEASE ${BREVIS_PACKAGE_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Shared-library dependencies come from dpkg-shlibdeps; adduser is for the
# postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${_debian}/conffiles
  ${_debian}/postinst
  ${_debian}/prerm
  ${_debian}/postrm)
# Maintainer scripts 0755, conffiles 0644, whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
