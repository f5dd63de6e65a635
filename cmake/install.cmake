# `cmake --install`: the program, its man page, bash completion, README and LICENSE; and CPack's
# Debian package of the same files (scripts/package.sh), with Depends computed by dpkg-shlibdeps
# from the Debian library packages the binary links.
include(GNUInstallDirs)

configure_file(${PROJECT_SOURCE_DIR}/packaging/sparkify.1 ${PROJECT_BINARY_DIR}/packaging/sparkify.1
               @ONLY)
install(TARGETS sparkify RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET sparkify_mpi)
  # Where join_cluster() looks for it: <bindir>/../<libdir>/sparkify.
  install(TARGETS sparkify_mpi LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/sparkify)
endif()
install(FILES ${PROJECT_BINARY_DIR}/packaging/sparkify.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/sparkify.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME sparkify)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sparkify)
set(CPACK_PACKAGE_VENDOR "Sparkify")
set(CPACK_PACKAGE_CONTACT "Sparkify data engineering <data-engineering@sparkify.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Sparkify's song-play data lake ETL: raw song and event JSON to Hive-partitioned Parquet")
set(CPACK_PACKAGE_DESCRIPTION
    "sparkify reads song metadata and user-activity logs from a local folder or S3, builds the "
    "songplays star schema and writes it as Hive-partitioned Parquet; it also checks a lake "
    "(verify) and writes an HTML song-play analysis (report).")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion")
include(CPack)
