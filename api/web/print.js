// 打印页的“打印”按钮（页面不允许内联脚本）。
document.addEventListener('DOMContentLoaded', () => {
  for (const b of document.querySelectorAll('[data-print]')) b.addEventListener('click', () => window.print());
});
