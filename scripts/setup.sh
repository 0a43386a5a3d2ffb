#!/usr/bin/env bash
# 安装 juan 需要的 Debian 软件包（缺什么装什么），然后 npm ci。
# Installs the Debian packages juan needs when missing, then `npm ci`.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/bin/epubcheck ] || need+=(epubcheck)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
# 印厂版的灰度输出配置文件 Gray.icc（Zlib 许可）/ the --print-ready OutputIntent profile (pdf/press.ts)
[ -f /usr/share/color/icc/Gray.icc ] || need+=(icc-profiles-free)
# 测试用的独立 PDF 读取器 / an independent PDF reader for the press-ready tests
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: 安装 Debian 软件包 / installing: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
npm ci --no-audit --no-fund
