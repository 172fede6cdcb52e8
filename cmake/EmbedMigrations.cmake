# cmake -DOUTPUT=file.cc -DINPUTS="a.sql|b.sql" -DFUNCTION=Name
#       -P EmbedMigrations.cmake
# Writes the definition of brevis::store::Name() (one of the functions
# server/store/embedded_migrations.h declares) with the text of each file,
# in order.
string(REPLACE "|" ";" INPUTS "${INPUTS}")
set(body "")
foreach(input IN LISTS INPUTS)
  get_filename_component(file_name ${input} NAME)
  string(SUBSTRING ${file_name} 0 4 version_text)
  math(EXPR version "${version_text}")
  file(READ ${input} sql)
  string(FIND "${sql}" ")brevis_sql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file_name} contains the raw-string delimiter")
  endif()
  string(APPEND body
         "      {${version}, \"${file_name}\", R\"brevis_sql(${sql})brevis_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp
"// Generated from migrations/ by cmake/EmbedMigrations.cmake.
#include \"server/store/embedded_migrations.h\"

namespace brevis::store {

std::span<const Migration> ${FUNCTION}() {
  static const Migration kMigrations[] = {
${body}  };
  return kMigrations;
}

}  // namespace brevis::store
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
