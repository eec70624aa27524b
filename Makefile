# make demo: set everything up and build the sample publication into output/
# make test: set everything up and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Fonts the default theme uses, HarfBuzz subsetting (CJK fonts are ~40x slower
# to embed without it), Pango for WeasyPrint, poppler/qpdf to inspect PDFs, and
# chromium for the archive tests (driven by Playwright; no browser download).
APT_PACKAGES := fontconfig fonts-noto-cjk fonts-arphic-ukai libpango-1.0-0 libpangoft2-1.0-0 \
                libharfbuzz-subset0 poppler-utils qpdf chromium

.PHONY: demo test system venv clean

demo: system venv
	@$(BIN)/bulletin doctor
	$(BIN)/bulletin build
	@echo
	@echo "The sample publication is in output/ (样例简报已生成在 output/):"
	@echo "  output/2018-02.pdf     the seed issue 2018年第2期（总第42期）; also .docx, .ofd, .html"
	@echo "  output/index.html      the archive of all four editions (open it in a browser)"
	@echo "bulletin is installed in $(VENV)/ (已安装在 $(VENV)/). Run it as $(BIN)/bulletin,"
	@echo "or first 'source $(BIN)/activate' and then simply 'bulletin':"
	@echo "  $(BIN)/bulletin --help            every command (中文: $(BIN)/bulletin --lang zh --help)"
	@echo "  $(BIN)/bulletin serve             the archive on http://127.0.0.1:8000/ with search"

test: system venv
	$(BIN)/python -m pytest

# then a free 仿宋 (FandolFang) taken out of its Debian package, without installing TeX Live
system:
	@sh scripts/system-packages.sh $(APT_PACKAGES)
	@sh scripts/fandol-fonts.sh

# Bytecode, as pip writes it when it installs a package: an editable install under
# PYTHONDONTWRITEBYTECODE would compile every module again in every process.
venv: $(STAMP)
	@$(BIN)/python -m compileall -q bulletin

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf output $(VENV) *.egg-info
