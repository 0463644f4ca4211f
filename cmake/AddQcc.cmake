# AddQcc.cmake - thin wrappers over the add_mlir_* functions so every qcc
# library links libMLIR.so the same way (as CIRCT's AddCIRCT.cmake does).

# add_qcc_library(name srcs... [DEPENDS ...] [LINK_LIBS ...])
function(add_qcc_library name)
  # PARTIAL_SOURCES_INTENDED: files of a library being written may sit in its
  # folder before they are listed; the build lists sources explicitly anyway.
  add_mlir_library(${name} ${ARGN} DISABLE_INSTALL PARTIAL_SOURCES_INTENDED)
  target_link_libraries(${name} PUBLIC MLIR)
endfunction()

# add_qcc_dialect_library: a library holding the IR of a qcc dialect.
function(add_qcc_dialect_library name)
  set_property(GLOBAL APPEND PROPERTY QCC_DIALECT_LIBS ${name})
  add_qcc_library(${name} ${ARGN})
endfunction()

# add_qcc_tool(name srcs... ): an executable linking libMLIR.so.
function(add_qcc_tool name)
  add_llvm_executable(${name} ${ARGN} PARTIAL_SOURCES_INTENDED)
  llvm_update_compile_flags(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${QCC_TOOLS_DIR})
endfunction()

# add_qcc_doc(td_file output_name command): generate markdown docs into docs/.
function(add_qcc_doc td_file output_file command)
  set(LLVM_TARGET_DEFINITIONS ${td_file})
  mlir_tablegen(${output_file}.md ${command} ${ARGN})
  set(GEN_DOC_FILE ${QCC_BINARY_DIR}/docs/generated/${output_file}.md)
  add_custom_command(
    OUTPUT ${GEN_DOC_FILE}
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_BINARY_DIR}/${output_file}.md ${GEN_DOC_FILE}
    DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/${output_file}.md)
  add_custom_target(${output_file}DocGen DEPENDS ${GEN_DOC_FILE})
  add_dependencies(qcc-doc ${output_file}DocGen)
endfunction()
